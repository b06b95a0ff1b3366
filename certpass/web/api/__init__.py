"""certpass.web.api"""
