"""The administration pages in one place: the home, people and delegations, org units, business services and the
stage gates. Each is an adapter only: it reads one screen view from the service of the package that owns the data
and posts each form to its own address below its page's, read by the API's schema (``web/forms.submit_form``)."""
