// Chat: streams answers from /api/ask/stream, links [n] markers to their sources and
// opens a cited passage, highlighted, in the side panel. Text from the papers is only
// ever inserted with textContent. Without JavaScript the form posts to / instead.
"use strict";

(function () {
  const form = document.getElementById("ask-form");
  if (!form) return;
  const thread = document.getElementById("thread");
  const statusEl = document.getElementById("status");
  const questionEl = document.getElementById("question");
  const conversationEl = document.getElementById("conversation_id");
  const askButton = document.getElementById("ask-button");
  const newConversation = document.getElementById("new-conversation");
  const panel = document.getElementById("source-panel");
  const panelBody = document.getElementById("source-panel-body");
  const panelClose = document.getElementById("source-panel-close");
  const CITE = /\[(\d{1,3}(?:\s*,\s*\d{1,3})*)\]/g;
  const MAX_QUOTE_IN_URL = 600;
  let busy = false;
  let lastTrigger = null;

  // --- small DOM helpers -------------------------------------------------------------
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key === "class") node.className = value;
      else if (key === "text") node.textContent = value;
      else node.setAttribute(key, value === true ? "" : String(value));
    }
    for (const child of children) {
      if (child === null || child === undefined) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  function ukDate(iso) {
    if (!iso) return "";
    const d = new Date(iso + "T00:00:00Z");
    if (isNaN(d)) return iso;
    return d.toLocaleDateString("en-GB", { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" });
  }

  function passageUrl(docId, page, quote, start) {
    const params = new URLSearchParams();
    if (page) params.set("page", page);
    if (quote) {
      params.set("quote", quote.slice(0, MAX_QUOTE_IN_URL));
      if (start !== null && start !== undefined && quote.length <= MAX_QUOTE_IN_URL) params.set("start", start);
    }
    const query = params.toString();
    return "/documents/" + encodeURIComponent(docId) + (query ? "?" + query : "") + (quote ? "#quote" : "");
  }

  function fileUrl(docId, source, page) {
    const url = "/api/documents/" + encodeURIComponent(docId) + "/file";
    return page && /\.pdf$/i.test(source || "") ? url + "#page=" + page : url;
  }

  function say(message) {
    statusEl.textContent = message;
  }

  // --- rendering an answer ---------------------------------------------------------------
  function withCitationLinks(text, citations) {
    const byN = new Map(citations.map((c) => [c.n, c]));
    const fragment = document.createDocumentFragment();
    let last = 0;
    for (const match of text.matchAll(CITE)) {
      const numbers = match[1].split(/\s*,\s*/).map(Number);
      if (!numbers.every((n) => byN.has(n))) continue;
      fragment.append(text.slice(last, match.index));
      for (const n of numbers) {
        const c = byN.get(n);
        // A citation with a page opens that page; a live figure (no page) points at its source line.
        const href = c.page ? passageUrl(c.doc_id, c.page, c.quote, c.start) : "#source-" + n;
        fragment.append(el("a", { class: "app-cite", href, "data-cite": n, "aria-label": "Source " + n }, "[" + n + "]"));
      }
      last = match.index + match[0].length;
    }
    fragment.append(text.slice(last));
    return fragment;
  }

  function renderAnswer(article, answer) {
    article.replaceChildren();
    article.classList.toggle("app-answer--not-found", !answer.found);
    if (answer.found) {
      article.append(el("div", { class: "app-answer__text" }, withCitationLinks(answer.answer, answer.citations)));
      if (answer.verified === false) {
        article.append(el("p", { class: "app-warning" }, el("strong", { text: "Check this answer: " }), "some figures could not be traced to a source."));
      }
    } else {
      article.append(el("h2", { class: "app-heading-m", text: "Not in the papers" }));
      article.append(el("div", { class: "app-answer__text", text: answer.answer }));
      if (answer.related && answer.related.length) {
        article.append(el("h3", { class: "app-heading-s", text: "Papers that may be related" }));
        const list = el("ul", { class: "app-list" });
        for (const hit of answer.related) {
          list.append(el("li", {},
            el("a", { href: passageUrl(hit.doc_id, hit.page), text: hit.title }),
            hit.page ? ", page " + hit.page : "",
            hit.date ? " (" + ukDate(hit.date) + ")" : ""));
        }
        article.append(list);
      }
    }
    for (const note of answer.notes || []) article.append(el("p", { class: "app-inset", text: note }));
    if (answer.citations.length) {
      article.append(el("h3", { class: "app-heading-s", text: "Sources" }));
      const sources = el("ol", { class: "app-sources" });
      for (const c of answer.citations) {
        const item = el("li", { class: "app-source", id: "source-" + c.n, value: c.n });
        if (c.page) {
          const meta = el("span", { class: "app-source__meta" });
          if (c.date) meta.append(ukDate(c.date) + " · ");
          meta.append("page " + c.page + " · ", el("a", { href: fileUrl(c.doc_id, c.source, c.page), text: c.source }));
          item.append(el("a", { class: "app-source__title", href: passageUrl(c.doc_id, c.page, c.quote, c.start), text: c.title }), meta);
        } else {
          item.append(
            el("span", { class: "app-source__title", text: c.title }), " ",
            el("strong", { class: "app-tag app-tag--blue", text: "Live data" }),
            el("span", { class: "app-source__meta", text: c.source }));
        }
        item.append(el("blockquote", { class: "app-source__quote", text: c.quote }));
        sources.append(item);
      }
      article.append(sources);
    }
    // Only the look-ups the answer used: a model call for another measure, council or
    // period was run but not used (the notes say why); its figure must not be shown.
    const calls = answer.tool_calls || [];
    const used = calls.filter((call) => call.used !== false);
    const unused = calls.length - used.length;
    if (used.length) {
      const details = el("details", { class: "app-details app-figures" }, el("summary", { text: "Figures looked up (" + used.length + ")" }));
      const humanise = (name) => { const s = String(name).replace(/_/g, " "); return s.charAt(0).toUpperCase() + s.slice(1); };
      for (const call of used) {
        const list = el("dl", { class: "app-summary-list" });
        for (const [key, value] of Object.entries(call.arguments || {})) {
          list.append(el("div", { class: "app-summary-list__row" },
            el("dt", { text: humanise(key) }),
            el("dd", { text: typeof value === "string" ? value : JSON.stringify(value) })));
        }
        details.append(el("div", { class: "app-tool" },
          el("p", { class: "app-tool__name", text: humanise(call.name) }),
          list,
          el("details", { class: "app-details app-details--nested" },
            el("summary", { text: "Show the data returned" }),
            el("pre", { class: "app-code", text: JSON.stringify(call.result, null, 2) }))));
      }
      article.append(details);
    }
    if (unused) {
      article.append(el("p", { class: "app-hint app-figures__unused", text: unused + (unused === 1 ? " look-up" : " look-ups") + " not used (see notes)" }));
    }
    addCopyButton(article, answer);
  }

  function answerAsText(answer) {
    const lines = [answer.answer.trim()];
    if (answer.citations.length) {
      lines.push("", "Sources:");
      for (const c of answer.citations) {
        lines.push("[" + c.n + "] " + c.title + (c.page ? ", page " + c.page : "") + (c.date ? " (" + ukDate(c.date) + ")" : "") + " – " + c.source);
      }
    }
    return lines.join("\n");
  }

  function addCopyButton(article, answer) {
    const text = answer ? answerAsText(answer) : article.innerText;
    const button = el("button", { type: "button", class: "app-button app-button--secondary app-button--small app-copy" }, "Copy answer");
    button.addEventListener("click", async () => {
      try {
        await navigator.clipboard.writeText(text);
      } catch (_) {
        const area = el("textarea", { class: "app-visually-hidden", "aria-hidden": "true" });
        area.value = text;
        document.body.append(area);
        area.select();
        document.execCommand("copy");
        area.remove();
      }
      button.textContent = "Copied";
      say("Answer copied to the clipboard");
      setTimeout(() => (button.textContent = "Copy answer"), 2000);
    });
    article.append(el("div", { class: "app-answer__actions" }, button));
  }

  // --- streaming -----------------------------------------------------------------------
  function parseEvent(block) {
    let event = "message";
    const data = [];
    for (const line of block.split("\n")) {
      if (line.startsWith("event:")) event = line.slice(6).trim();
      else if (line.startsWith("data:")) data.push(line.slice(5).replace(/^ /, ""));
    }
    if (!data.length) return null;
    try {
      return { event, data: JSON.parse(data.join("\n")) };
    } catch (_) {
      return { event, data: data.join("\n") };
    }
  }

  function statusText(data) {
    if (typeof data === "string") return data;
    return (data && (data.message || data.detail || data.stage || data.status)) || "Working…";
  }

  function showError(article, error) {
    article.replaceChildren(
      el("div", { class: "app-error-summary", role: "alert" },
        el("h2", { class: "app-error-summary__title", text: "There is a problem" }),
        el("p", { text: (error && error.detail) || "The answer could not be completed. Try again." })));
  }

  async function ask(question) {
    busy = true;
    askButton.disabled = true;
    askButton.textContent = "Answering…";
    const suggestions = document.getElementById("suggestions");
    if (suggestions) suggestions.hidden = true;

    const liveText = el("div", { class: "app-answer__text app-answer__text--streaming" });
    const article = el("article", { class: "app-answer", "aria-live": "polite", "aria-busy": "true", "data-answer": true }, liveText);
    const turn = el("section", { class: "app-turn", "aria-label": "Question and answer" },
      el("p", { class: "app-turn__question" }, el("span", { class: "app-visually-hidden", text: "You asked: " }), question),
      article);
    thread.append(turn);
    turn.scrollIntoView({ block: "start", behavior: "smooth" });
    say("Searching the papers…");

    let answer = null;
    try {
      const response = await fetch("/api/ask/stream", {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", Accept: "text/event-stream" },
        body: JSON.stringify({ question, conversation_id: conversationEl.value || null }),
      });
      if (response.status === 401) {
        window.location.assign("/login?next=/");
        return;
      }
      if (!response.ok || !response.body) {
        let error = null;
        try { error = (await response.json()).error; } catch (_) { /* not JSON */ }
        showError(article, error);
        say("There is a problem: " + ((error && error.detail) || "the answer could not be completed"));
        return;
      }
      const reader = response.body.getReader();
      const decoder = new TextDecoder();
      let buffer = "";
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true }).replace(/\r\n/g, "\n");
        let cut;
        while ((cut = buffer.indexOf("\n\n")) >= 0) {
          const message = parseEvent(buffer.slice(0, cut));
          buffer = buffer.slice(cut + 2);
          if (!message) continue;
          if (message.event === "status") say(statusText(message.data));
          else if (message.event === "token") liveText.append(typeof message.data === "string" ? message.data : String(message.data.text || ""));
          else if (message.event === "answer") answer = message.data;
          else if (message.event === "error") {
            showError(article, message.data);
            say("There is a problem: " + (message.data.detail || "the answer could not be completed"));
            return;
          }
        }
      }
      if (!answer) {
        showError(article, null);
        say("The answer could not be completed");
        return;
      }
      renderAnswer(article, answer);
      conversationEl.value = answer.conversation_id;
      newConversation.hidden = false;
      document.querySelector("label[for=question]").textContent = "Ask a follow-up question";
      say(answer.found ? "Answer ready, with " + answer.citations.length + " source" + (answer.citations.length === 1 ? "" : "s") : "Not in the papers");
    } catch (err) {
      showError(article, { detail: "The connection was lost. Check you are online and try again." });
      say("The connection was lost");
    } finally {
      article.setAttribute("aria-busy", "false");
      busy = false;
      askButton.disabled = false;
      askButton.textContent = "Ask";
    }
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (busy) return;
    const submitter = event.submitter;
    const question = (submitter && submitter.name === "suggestion" ? submitter.value : questionEl.value).trim();
    if (!question) {
      say("Type a question first");
      questionEl.focus();
      return;
    }
    questionEl.value = "";
    ask(question);
  });

  questionEl.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      form.requestSubmit(askButton);
    }
  });

  // --- the source panel ------------------------------------------------------------------
  function findQuote(text, quote, start) {
    quote = (quote || "").trim();
    if (!quote) return null;
    if (start !== null && !isNaN(start) && text.slice(start, start + quote.length) === quote) return [start, start + quote.length];
    const at = text.indexOf(quote);
    if (at >= 0) return [at, at + quote.length];
    const words = quote.split(/\s+/).map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
    const match = new RegExp(words.join("\\s+")).exec(text);
    return match ? [match.index, match.index + match[0].length] : null;
  }

  async function openSource(link) {
    const url = new URL(link.getAttribute("href"), window.location.href);
    const docId = decodeURIComponent(url.pathname.replace(/^\/documents\//, ""));
    const page = Number(url.searchParams.get("page") || 1);
    const quote = url.searchParams.get("quote") || "";
    const startParam = url.searchParams.get("start");
    const start = startParam === null ? null : Number(startParam);
    lastTrigger = link;
    panel.hidden = false;
    document.body.classList.add("app-has-panel");
    panelBody.replaceChildren(el("p", { class: "app-hint", text: "Opening page " + page + "…" }));
    const response = await fetch("/api/documents/" + encodeURIComponent(docId) + "/pages/" + page, { credentials: "same-origin" });
    if (!response.ok) {
      panelBody.replaceChildren(el("p", { class: "app-warning", text: "This page could not be opened." }));
      return;
    }
    const data = await response.json();
    const span = findQuote(data.text, quote, start);
    const text = el("div", { class: "app-page-text app-panel__text", id: "panel-page-text", tabindex: "0", "aria-label": "Text of page " + data.page });
    if (span) {
      text.append(data.text.slice(0, span[0]), el("mark", { class: "app-quote", text: data.text.slice(span[0], span[1]) }), data.text.slice(span[1]));
    } else {
      text.textContent = data.text;
    }
    panelBody.replaceChildren(
      el("h3", { class: "app-panel__title", text: data.title }),
      el("ul", { class: "app-meta" },
        data.date ? el("li", {}, el("time", { datetime: data.date, text: ukDate(data.date) })) : null,
        el("li", { text: "Page " + data.page + " of " + data.page_count })),
      el("p", { class: "app-panel__links" },
        el("a", { href: data.file_url, text: "Open the original" + (/#page=/.test(data.file_url) ? " at page " + data.page : "") }),
        " · ",
        el("a", { href: link.getAttribute("href"), text: "View in the document" })),
      text);
    panel.focus({ preventScroll: true });
    const mark = text.querySelector("mark");
    // Scroll only the page text, so the title and links above it stay in view.
    if (mark) text.scrollTop = Math.max(0, mark.offsetTop - text.clientHeight / 4);
    say("Showing " + data.title + ", page " + data.page);
  }

  function closePanel() {
    panel.hidden = true;
    document.body.classList.remove("app-has-panel");
    if (lastTrigger) lastTrigger.focus();
  }

  thread.addEventListener("click", (event) => {
    const link = event.target.closest("a.app-cite, a.app-source__title");
    if (!link || !link.getAttribute("href").startsWith("/documents/")) return;
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return;
    event.preventDefault();
    openSource(link);
  });
  panelClose.addEventListener("click", closePanel);
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && !panel.hidden) closePanel();
  });

  // Server-rendered answers (the no-JavaScript path) get a copy button too.
  for (const article of thread.querySelectorAll("[data-answer]")) addCopyButton(article, null);
})();
