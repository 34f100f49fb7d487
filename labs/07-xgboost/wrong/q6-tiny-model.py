# question: q6
# mistake: ten stumps-like trees of depth 2: far too small a model
def fit_and_predict(X_train, t_train, X_val, t_val, X_test):
    model = xgb.XGBClassifier(n_estimators=10, max_depth=2, n_jobs=1, random_state=0)
    model.fit(X_train, t_train)
    return model.predict_proba(X_test)[:, 1]
