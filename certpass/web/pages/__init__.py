"""certpass.web.pages"""
