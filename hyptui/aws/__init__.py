"""The app's AWS side: where boto3 connects (AWS or the embedded cluster) and the calls hyptui makes there."""
