"""Terms of engagement: the clause library, members' terms, proffers, agreements with
signed receipts, standing acceptances, and reports that terms were kept or broken."""
