"""Android's framework and system commands (am, pm, input, dumpsys, content, ...), each in its output format."""
