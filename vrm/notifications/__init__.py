"""In-app notifications (who watches what lives in vrm/watch)."""
