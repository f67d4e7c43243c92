"""STS (query protocol) on the simulated account: GetCallerIdentity, the credential check `hyp` makes first."""

from __future__ import annotations

from typing import Any

from hyptui.sim.aws.account import SimulatedAccount
from hyptui.sim.aws.clusters import short_id
from hyptui.sim.aws.protocols import AwsCall
from hyptui.sim.inference.endpoints import ACCOUNT_ID

XML_NAMESPACE = "https://sts.amazonaws.com/doc/2011-06-15/"
VERSION = "2011-06-15"


def get_caller_identity(account: SimulatedAccount, call: AwsCall) -> dict[str, Any]:
    user_id = "AIDA" + short_id("user", call.access_key, length=17).upper()
    return {"UserId": user_id, "Account": ACCOUNT_ID, "Arn": call.caller_arn}


OPERATIONS = {"GetCallerIdentity": get_caller_identity}
