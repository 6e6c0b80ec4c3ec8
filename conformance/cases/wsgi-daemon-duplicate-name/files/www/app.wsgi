# reporter
