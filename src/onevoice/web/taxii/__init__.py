"""The read-only TAXII 2.1 server: approved cases as STIX 2.1 objects for partner task forces.

See :mod:`onevoice.web.taxii.views` for the endpoints and :mod:`onevoice.web.taxii.store`
for how cases become served objects.
"""
