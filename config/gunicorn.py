"""gunicorn's settings (``gunicorn -c config/gunicorn.py config.wsgi``).

The access log names the path only (``%(U)s``), never the query string, where search terms (a name,
an OFII number) travel; each line carries the request id that the application's logs carry too.
"""

import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
accesslog = "-"
access_log_format = '%(h)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(M)sms request_id=%({x-request-id}o)s'
# The reverse proxy in front (docker-compose's Caddy) sets X-Forwarded-Proto and X-Forwarded-For.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "*")
# Request line and header limits: a longer request is refused before it reaches Django.
limit_request_line = 8190
limit_request_fields = 100
