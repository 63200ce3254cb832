"""Every place the lab reaches into moto's internals; `hooks.check_hook_points` lists them."""
