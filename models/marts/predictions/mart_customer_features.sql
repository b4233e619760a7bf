-- Point-in-time features per master customer as of var('prediction_as_of_date') (default: the
-- latest order date): the scoring input of mart_customer_predictions.
{{ customer_features(
    'select ' ~ as_of_value('prediction_as_of_date', 'date', '(select max(order_date) from ' ~ ref('fct_orders') ~ ')')
    ~ ' as as_of_date'
) }}
