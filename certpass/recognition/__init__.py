"""certpass.recognition"""
