"""What people read: status, recap, letters, exports."""
