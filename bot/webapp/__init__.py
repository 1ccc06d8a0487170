"""The roadmap map, a Telegram Mini App: its page at /app/ and its JSON API under /app/api/."""
