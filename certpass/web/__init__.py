"""certpass.web"""
