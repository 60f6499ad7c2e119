// Every page: move focus to an error summary so screen readers announce it, and
// make upload forms say they are working while a large file is read.
"use strict";
(function () {
  const summary = document.querySelector("[data-autofocus]");
  if (summary) summary.focus();
  for (const form of document.querySelectorAll("form[data-busy-label]")) {
    form.addEventListener("submit", () => {
      const button = form.querySelector("button[type=submit]");
      if (!button) return;
      button.disabled = true;
      button.textContent = form.getAttribute("data-busy-label");
    });
  }
})();
