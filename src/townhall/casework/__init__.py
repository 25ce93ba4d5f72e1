"""Staff casework: the inbox across an organisation's services, statuses, notes, assignment,
exports, and residents checking the status of what they sent."""
