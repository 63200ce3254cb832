"""Authorization: the gate, the question each request asks, and the policies that answer it."""
