"""Representatives: members who proved they speak for a supplier, and how they proved it."""
