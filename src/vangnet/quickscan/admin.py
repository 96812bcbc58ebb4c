"""No admin for the quickscan: answers are anonymous and rounds are managed in the product."""
