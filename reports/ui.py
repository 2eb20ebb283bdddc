def register_slots():
    pass
