"""Python ASGI apps that the Swift tests and the command-line demo drive."""
