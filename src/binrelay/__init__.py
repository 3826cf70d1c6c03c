"""BIN Relay package."""
