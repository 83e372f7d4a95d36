"""The web app's server: static files with the security headers, SPA fallback, /api proxy."""
