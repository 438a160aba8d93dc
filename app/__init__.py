"""The staff-facing surfaces: the command line and the Gradio app."""
