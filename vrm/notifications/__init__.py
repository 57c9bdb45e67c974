"""In-app notifications, and the watchlist that decides who gets them."""
