"""A supplier's score as a small SVG badge for other sites to show, linking back."""
