"""The desktop build's entry script (PyInstaller runs it as __main__): see annotator/__main__.py."""
from annotator.__main__ import main

if __name__ == "__main__":
    main()
