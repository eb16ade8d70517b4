"""From bytes to a parsed form: sniffing, conversion, LibreOffice, recognition."""
