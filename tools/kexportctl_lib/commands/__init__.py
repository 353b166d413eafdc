"""One module per resource group; each has `register(tree)`."""
