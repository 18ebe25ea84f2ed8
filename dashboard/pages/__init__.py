"""Pages of the dashboard (Dash Pages: each module calls ``dash.register_page``)."""
