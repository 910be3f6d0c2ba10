"""kbtui core: entry model, loader and validator, checks engine, CLI and site export."""
