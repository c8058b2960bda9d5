"""Link 7's dashboard pages: customers, orders, charts, order imports and column mappings, a customer's
privacy, products and their mapping, reviews and their imports."""
