"""Azure components. Each module holds one ComponentResource and its Args dataclass."""
