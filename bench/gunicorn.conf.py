"""gunicorn settings of the load benchmark: none beyond its command line (bench/load.py).

Without an explicit config, gunicorn would read the repository's gunicorn.conf.py from the
working directory, whose access log and worker recycling would change what is measured.
"""
