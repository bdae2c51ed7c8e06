"""Cities: the gazetteer, the city picker and cities staff add by hand."""
