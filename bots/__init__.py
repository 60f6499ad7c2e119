"""Chat edges over the assistant. Each bot parses, makes one ``Assistant`` call, renders."""
