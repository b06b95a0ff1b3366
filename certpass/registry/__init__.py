"""certpass.registry"""
