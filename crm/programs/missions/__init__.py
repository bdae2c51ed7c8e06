"""Trade missions: delegation, day-by-day itinerary in local time, outcomes."""
