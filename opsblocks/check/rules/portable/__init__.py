"""Rules that hold on every cloud."""
