"""`hyptui replay`: the app fed by a recording, its bar and seek prompt."""
