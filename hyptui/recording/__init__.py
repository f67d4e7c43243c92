"""Recording a session's store actions to a JSON-lines file (`hyptui --record`) and playing one back
(`hyptui replay`): the reducer store makes a session's every screen a function of its actions."""
