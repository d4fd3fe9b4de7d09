"""What people read: explanations of appraisals, feedback, what-if, the path to the next rating."""
