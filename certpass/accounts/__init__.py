"""certpass.accounts"""
