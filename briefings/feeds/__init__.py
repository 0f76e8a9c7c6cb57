"""News feeds: RSS, Atom and JSON Feed subscriptions, polled politely into stories."""
