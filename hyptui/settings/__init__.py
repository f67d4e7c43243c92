"""What hyptui keeps on the user's disk: settings, where the user was per context, and atomic writes."""
