"""The ticket kiosk: a visitor touches a service and gets a printed ticket (see kiosk.app)."""
