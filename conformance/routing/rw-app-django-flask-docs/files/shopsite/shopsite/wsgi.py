def application(environ, start_response):
    body = "group=%s app=%s" % (environ.get("mod_wsgi.process_group") or "-", environ.get("mod_wsgi.application_group") or "-")
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [body.encode()]
