"""The coach loop, split by job.

- `coach`: `CoachLoop`, the tick (what is due, claimed in batches at a pace the sending keeps up with), the
  heartbeat's takeover, a graceful stop and a database outage;
- `deliver`: one claimed send, from its attempt record to its outcome, and what a stop or an outage leaves;
- `reminder`: the daily reminder, composed ahead and sent at its minute; `held`: the sends waiting for it;
- `kinds`: the weekly summary, the streak nudge and the welcome back; `broadcasts`: an organiser's broadcasts;
- `parts`: what they all use (the bot, the database, the pacing).

APScheduler's wiring is `bot/scheduler.py`.
"""
