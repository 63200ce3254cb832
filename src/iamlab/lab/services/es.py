"""OpenSearch Service (`es`): domains by `DomainName`, in the body or in the URL path.

moto answers the legacy Elasticsearch API (2015-01-01) with its OpenSearch handler; its
requests are read with the `es` model (see `params.request_params`). Both APIs speak
REST-JSON, and a denial is `AccessDeniedException` with HTTP status 403.
"""

from __future__ import annotations

from iamlab.lab.services.adapter import Adapter, Denial


class OpenSearch(Adapter):
    denial = Denial("AccessDeniedException", 403, protocol="json")
