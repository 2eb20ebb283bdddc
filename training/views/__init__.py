"""Pages for training: sessions, roll call and sign-in sheets, coverage, mentoring."""
