"""certpass.projects"""
